(function () {
    var geo = {{ this.places.get_name() }};
    var days = geo.data.days;
    var control = L.control({position: "bottomleft"});
    control.onAdd = function () {
        var div = L.DomUtil.create("div", "geo-box geo-time");
        div.innerHTML = '<div>Period: <span class="geo-period"></span></div>' +
            '<input type="range" class="geo-from" aria-label="From">' +
            '<input type="range" class="geo-to" aria-label="To">';
        var from = div.querySelector(".geo-from"), to = div.querySelector(".geo-to");
        var shown = div.querySelector(".geo-period");
        [from, to].forEach(function (input) {
            input.min = 0; input.max = days.length - 1; input.step = 1;
        });
        from.value = 0; to.value = days.length - 1;
        function update(moved) {
            var a = +from.value, b = +to.value;
            if (a > b) { if (moved === from) to.value = b = a; else from.value = a = b; }
            var all = a === 0 && b === days.length - 1;
            shown.textContent = a === b ? days[a] : days[a] + " – " + days[b];
            if (all) shown.textContent += " (all)";
            geo.setPeriod(all ? null : days[a], days[b]);
        }
        from.addEventListener("input", function () { update(from); });
        to.addEventListener("input", function () { update(to); });
        update(null);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    control.addTo({{ this._parent.get_name() }});
})();
