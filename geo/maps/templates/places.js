var {{ this.get_name() }} = (function () {
    var started = performance.now();
    var map = {{ this._parent.get_name() }};
    var data = JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent);
    var period = null;  // null: every article; else [first day, last day]
    function articleOn(i) {
        if (!period) return true;
        var day = data.articles[i][1];
        return !!day && day >= period[0] && day <= period[1];
    }
    function placeOn(p) {
        return p[7].some(function (ref) { return articleOn(ref[0]); });
    }
    function popup(p) {
        var parts = p[7].filter(function (ref) { return articleOn(ref[0]); }).map(function (ref) {
            var a = data.articles[ref[0]];
            return '<div class="geo-article"><div class="geo-title">' + a[0] +
                (a[1] ? ' <span class="geo-date">' + a[1] + '</span>' : '') + '</div>' +
                ref[1] + '</div>';
        });
        return '<div class="geo-popup">' + p[6] + '<div class="geo-articles">' + parts.join('') + '</div></div>';
    }
    map.createPane("geo-areas").style.zIndex = 390;  // under the markers (overlayPane: 400)
    var areaLayer = L.featureGroup().addTo(map);
    var groupMarkers = data.groups.map(function () { return []; });
    var labels = [];  // [rank, tooltip, layer] of the permanent labels
    var items = data.places.map(function (p, index) {
        var layer, kind = p[8];
        var content = function () { return popup(p); };
        if (kind === "area") {
            var shade = data.shades[p[10]];
            layer = L.geoJSON(data.geometries[p[9]], {
                pane: "geo-areas",
                style: {color: shade[1], weight: 1, opacity: 0.8,
                        fillColor: shade[0], fillOpacity: 0.45}
            });
            layer.bindPopup(content, {maxWidth: 420}).bindTooltip(p[5], {sticky: true});
            layer.on("mouseover", function () { layer.setStyle({weight: 2.5}); });
            layer.on("mouseout", function () { layer.setStyle({weight: 1}); });
            if (p[11] >= 0) {
                var tip = L.tooltip({permanent: true, direction: "center", interactive: false,
                                     className: "geo-name geo-area-name", pane: "tooltipPane"})
                    .setLatLng([p[0], p[1]]).setContent(p[5]);
                labels.push([p[11], tip, layer]);
            }
        } else if (kind === "label") {
            layer = L.marker([p[0], p[1]], {
                icon: L.divIcon({className: "geo-label-icon", html: p[5], iconSize: null}),
                keyboard: false
            }).bindPopup(content, {maxWidth: 420});
        } else {
            var colour = data.colours[p[3]];
            layer = L.circleMarker([p[0], p[1]], {
                radius: p[2], color: colour, weight: 1.5,
                fill: true, fillColor: colour, fillOpacity: 0.65
            }).bindPopup(content, {maxWidth: 420});
            if (p[11] >= 0) {
                layer.bindTooltip(p[5], {permanent: true, direction: "right",
                                         offset: [p[2], 0], className: "geo-name"});
                labels.push([p[11], layer.getTooltip(), layer]);
            } else {
                layer.bindTooltip(p[5], {sticky: true});
            }
            groupMarkers[p[4]].push(layer);
        }
        layer._geoIndex = index;
        return layer;
    });
    labels.sort(function (a, b) { return a[0] - b[0]; });
    // areas: the big ones first, so a region lies on top of its country and stays clickable
    var areaOrder = data.places.map(function (p, i) { return i; })
        .filter(function (i) { return data.places[i][8] !== "point"; });
    function areaSize(i) {
        var l = items[i];
        if (!l.getBounds) return 0;
        var b = l.getBounds();
        return (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    }
    var sizes = {};
    areaOrder.forEach(function (i) { sizes[i] = areaSize(i); });
    areaOrder.sort(function (a, b) { return sizes[b] - sizes[a]; });
    var areaLabels = L.layerGroup();
    {% if this.cluster %}
    // no clusters from country zoom on: a port and its air base stay apart there
    var clusterOptions = {disableClusteringAtZoom: 6};
    var shared = data.sharedCluster ? L.markerClusterGroup(clusterOptions).addTo(map) : null;
    var Group = L.Layer.extend({
        initialize: function (markers) { this._markers = markers; },
        onAdd: function () { shared.addLayers(this._markers); },
        onRemove: function () { shared.removeLayers(this._markers); },
        setMarkers: function (ms) {
            if (this._map) shared.removeLayers(this._markers);
            this._markers = ms;
            if (this._map) shared.addLayers(ms);
        }
    });
    {% endif %}
    var layers = groupMarkers.map(function (ms) {
        {% if this.cluster %}
        if (shared) return new Group(ms).addTo(map);
        // On the map first: off it, markercluster's addLayers is quadratic.
        return L.markerClusterGroup(clusterOptions).addTo(map).addLayers(ms);
        {% else %}
        return L.featureGroup(ms).addTo(map);
        {% endif %}
    });
    function setMembers(layer, ms) {
        if (layer.setMarkers) return layer.setMarkers(ms);
        layer.clearLayers();
        if (layer.addLayers) layer.addLayers(ms); else ms.forEach(function (m) { layer.addLayer(m); });
    }
    // Only the areas in and around the view are on the map (a polygon costs its every
    // vertex at each zoom): the others join when the map moves to them.
    var areaBounds = {};
    areaOrder.forEach(function (i) { if (items[i].getBounds) areaBounds[i] = items[i].getBounds(); });
    function drawAreas() {
        var view = map.getBounds().pad(0.5);
        var wanted = areaOrder.filter(function (i) {
            return placeOn(data.places[i]) && (!areaBounds[i] || view.intersects(areaBounds[i]));
        });
        var keep = {};
        wanted.forEach(function (i) { keep[i] = true; });
        areaLayer.eachLayer(function (l) { if (!keep[l._geoIndex]) areaLayer.removeLayer(l); });
        var before = areaLayer.getLayers().length, added = false;
        wanted.forEach(function (i) {
            if (!areaLayer.hasLayer(items[i])) { areaLayer.addLayer(items[i]); added = true; }
        });
        if (added && before) {
            // big first: a region stays on top of its country, whatever joined last
            wanted.forEach(function (i) { if (items[i].bringToFront) items[i].bringToFront(); });
        }
        areaLabels.clearLayers();
        labels.forEach(function (l) {
            if (l[2] instanceof L.GeoJSON && areaLayer.hasLayer(l[2])) areaLabels.addLayer(l[1]);
        });
    }
    drawAreas();
    if (map.hasLayer(areaLayer)) areaLabels.addTo(map);
    map.on("overlayadd", function (e) { if (e.layer === areaLayer) areaLabels.addTo(map); soon(); });
    map.on("overlayremove", function (e) { if (e.layer === areaLayer) map.removeLayer(areaLabels); });
    // Labels never overlap: the more mentioned place keeps its label.
    function declutter() {
        var taken = [];
        labels.forEach(function (l) {
            var el = l[1].getElement && l[1].getElement();
            if (!el || !el.isConnected) return;
            el.style.visibility = "";
            var r = el.getBoundingClientRect();
            var hit = taken.some(function (t) {
                return r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top;
            });
            if (hit) el.style.visibility = "hidden"; else taken.push(r);
        });
    }
    var pending = false;  // one declutter per frame, however many events ask for it
    function soon() {
        if (pending) return;
        pending = true;
        L.Util.requestAnimFrame(function () { pending = false; declutter(); });
    }
    var control = L.control.layers(null, null, {collapsed: true});
    if (areaOrder.length) control.addOverlay(areaLayer, "Areas");
    layers.forEach(function (layer, i) { control.addOverlay(layer, data.groups[i][0]); });
    control.addTo(map);
    function setPeriod(first, last) {
        period = first ? [first, last] : null;
        map.closePopup();
        layers.forEach(function (layer, g) {
            setMembers(layer, groupMarkers[g].filter(function (m) {
                return placeOn(data.places[m._geoIndex]);
            }));
        });
        drawAreas();
        soon();
    }
    function fit(b) {
        if (b) map.fitBounds(b, {padding: [20, 20], maxZoom: data.view.maxZoom, animate: false});
    }
    map.on("zoomend moveend", soon);
    map.on("moveend", drawAreas);
    {% if this.cluster %}
    // clusters open after the move: their markers' labels arrive then
    (shared ? [shared] : layers).forEach(function (l) { l.on("animationend", soon); });
    {% endif %}
    soon();
    var drawn = performance.now() - started;  // for bench/map_bench.py
    return {data: data, drawMs: drawn, markers: items, layers: layers, areas: areaLayer, setPeriod: setPeriod,
            showStory: function () { fit(data.view.story); },
            showAll: function () { fit(data.view.all); },
            visible: function () { return data.places.filter(placeOn).length; }};
})();
