"""Every tile type; importing this package registers them all."""
