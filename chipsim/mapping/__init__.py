"""The mapper: partition, place, route and lay out a network on a chip."""
