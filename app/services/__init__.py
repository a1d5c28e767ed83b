"""Use cases that change data. Views, API, CLI and jobs all call these; one transaction each."""
