(function () {
    var geo = {{ this.places.get_name() }};
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
        var div = L.DomUtil.create("div", "geo-box geo-view");
        var button = L.DomUtil.create("button", "", div);
        var story = true;
        button.type = "button";
        button.textContent = "Show all places";
        button.addEventListener("click", function () {
            story = !story;
            if (story) geo.showStory(); else geo.showAll();
            button.textContent = story ? "Show all places" : "Back to the story";
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    control.addTo({{ this._parent.get_name() }});
})();
