(function () {
    var map = {{ this._parent.get_name() }};
    map.createPane("geo-outlines").style.zIndex = 150;  // tilePane is 200
    var data = JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent);
    L.geoJSON(data, {
        pane: "geo-outlines", interactive: false,
        style: {color: "#888", weight: 0.7, fillColor: "#f2efe9", fillOpacity: 1}
    }).addTo(map);
})();
