"""Installation: what `lofteskartan init` puts into a new or upgraded database.

Creating or upgrading the database and loading the promise files, base layers and (on
request) the police events and demo data (`init`), the shipped base layers from SCB
(`base_layers`) and the invented Aneby example data (`demo`). The rules for what a fresh
installation holds, and where the shipped data/ files are found, have their home here.
"""
