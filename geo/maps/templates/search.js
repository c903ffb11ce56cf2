(function () {
    var map = {{ this._parent.get_name() }};
    var geo = {{ this.places.get_name() }};
    // Labels arrive as escaped HTML; the datalist and the matching want plain text.
    var decoder = document.createElement("textarea");
    var labels = geo.data.places.map(function (p) {
        decoder.innerHTML = p[5];
        return decoder.value;
    });
    function find(wanted) {
        for (var i = 0; i < labels.length; i++) if (labels[i].toLowerCase() === wanted) return i;
        for (i = 0; i < labels.length; i++) if (labels[i].toLowerCase().indexOf(wanted) === 0) return i;
        return -1;
    }
    function show(text) {
        var wanted = text.trim().toLowerCase();
        var i = wanted ? find(wanted) : -1;
        if (i < 0) return;
        var p = geo.data.places[i], item = geo.markers[i];
        var at = L.latLng(p[0], p[1]);
        if (p[8] === "point") {
            var layer = geo.layers[p[4]];
            if (!map.hasLayer(layer)) map.addLayer(layer);
            at = item.getLatLng();
        } else if (!map.hasLayer(geo.areas)) {
            map.addLayer(geo.areas);
        }
        // Not markercluster's zoomToShowLayer: it waits for an icon a CircleMarker lacks.
        // Opening the popup on the map works whether or not the marker is clustered.
        map.once("moveend", function () {
            item.getPopup().setLatLng(at).openOn(map);
        });
        var zoom = p[8] === "point" ? Math.max(map.getZoom(), 8) : map.getZoom();
        map.setView(at, zoom);
        if (map.getCenter().distanceTo(at) < 1) map.fire("moveend");
    }
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
        var div = L.DomUtil.create("div", "geo-box geo-search");
        var input = L.DomUtil.create("input", "", div);
        var list = L.DomUtil.create("datalist", "", div);
        list.id = {{ (this.get_name() ~ "_names")|tojson }};
        input.type = "search";
        input.placeholder = "Find a place";
        input.setAttribute("aria-label", "Find a place");
        input.setAttribute("list", list.id);
        labels.forEach(function (label) {
            var option = document.createElement("option");
            option.value = label;
            list.appendChild(option);
        });
        input.addEventListener("change", function () { show(input.value); });
        input.addEventListener("keydown", function (e) {
            if (e.key === "Enter") show(input.value);
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    control.addTo(map);
})();
