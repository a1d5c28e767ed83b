"""Counter entry (窗口代办): staff file on behalf of a unit in their jurisdiction. (Being built.)"""

from flask_appbuilder import BaseView


class CounterView(BaseView):
    route_base = "/counter"
    default_view = "index"
    method_permission_name = {}


def register(appbuilder) -> None:
    """Add this module's views and menu entries (filled in with the views)."""
