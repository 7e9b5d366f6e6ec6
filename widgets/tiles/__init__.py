"""Every tile type; importing this package registers them all."""
from . import kpi_tile  # noqa: F401
from . import ranking_tile  # noqa: F401
