"""Module and app dependency graphs (networkx) and the metrics read off them."""
