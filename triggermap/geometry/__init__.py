"""SVG body views as geometry: parsing, hit-testing, overlap ranking (shapely, svgelements)."""
