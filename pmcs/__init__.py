"""pmcs — the desk tool of a property-management customer-service centre."""

__version__ = "0.1.0"
