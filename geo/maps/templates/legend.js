(function () {
    var data = {{ this.places.get_name() }}.data;
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
        var div = L.DomUtil.create("div", "geo-box geo-legend");
        var rows = data.groups.map(function (g) {
            return '<i style="background:' + g[1] + '"></i>' + g[0];
        });
        if (data.geometries.length) {
            rows.push('<b>Mentions of an area</b>');
            data.shades.forEach(function (s) {
                rows.push('<i class="geo-shade" style="background:' + s[0] + ';opacity:.8"></i>' + s[2]);
            });
        }
        var details = L.DomUtil.create("details", "", div);
        function roomy() { var size = map.getSize(); return size.x > 600 && size.y > 500; }
        var wide = roomy();
        details.open = wide;
        map.on("resize", function () {  // a phone turned, an iframe resized
            var now = roomy();
            if (now !== wide) details.open = wide = now;
        });
        details.innerHTML = "<summary>Legend</summary>" + rows.join("<br>");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    var map = {{ this._parent.get_name() }};
    legend.addTo(map);
})();
