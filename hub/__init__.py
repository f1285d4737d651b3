"""The petition hub: one case store for every channel."""
