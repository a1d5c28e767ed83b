"""Online account opening of a unit (单位开户注册), public. (Being built.)"""

from flask_appbuilder import BaseView


class UnitRegistrationView(BaseView):
    route_base = "/register/unit"
    default_view = "register"


def register(appbuilder) -> None:
    """Add this module's views and menu entries (filled in with the views)."""
