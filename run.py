"""Entry point: `flask --app run ...`, gunicorn `run:app`, or `python run.py` (development server)."""

import sys

from app import create_app
from app.ops.checks import ConfigError

try:
    app = create_app()
except ConfigError as problems:  # one clear line per problem, never a traceback
    sys.stderr.write(f"beian: refusing to start:\n{problems}\n")
    raise SystemExit(2) from None

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
