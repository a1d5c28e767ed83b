"""Every Flask extension, created once and unbound; create_app() binds them in order."""

from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
csrf = CSRFProtect()
migrate = Migrate()
appbuilder = AppBuilder(update_perms=False)
