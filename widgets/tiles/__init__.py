"""Every tile type; importing this package registers them all."""
from . import kpi_tile  # noqa: F401
from . import ranking_tile  # noqa: F401
from . import trend_tile  # noqa: F401
from . import breakdown_tile  # noqa: F401
from . import map_tile  # noqa: F401
from . import attention_tile  # noqa: F401
from . import clock_tile  # noqa: F401
from . import banner_tile  # noqa: F401
from . import capacity_tile  # noqa: F401
from . import alerts_tile  # noqa: F401
from . import freshness_tile  # noqa: F401
from . import grievance_tile  # noqa: F401
