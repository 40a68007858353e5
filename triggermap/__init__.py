"""triggermap: an interactive map of myofascial trigger points for dry-needling practice."""

__version__ = "0.1.0"
