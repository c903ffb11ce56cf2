{{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
    {padding: [20, 20], maxZoom: {{ this.max_zoom|tojson }}, animate: false});
