"""Area hierarchy (gemeente > wijk > buurt), custom areas and boundaries."""
