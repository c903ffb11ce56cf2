"""Stage 6, maps: results -> an interactive Leaflet map (folium) or a static image."""
