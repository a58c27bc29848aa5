"""Exports: every file Löfteskartan writes for people outside the app.

One entry point (`make`) serves the command line and the app's download buttons; the formats
are the data files (`gpkg`, `csv_zip` with the shared `tables`), the maps (`map_html`,
`map_image`, with the legend colours in `map_style`), the meeting pack (PDF) and the texts for
polisen.se (`followup_texts`). What a file may hold is decided in `geo.disclosure`; the rules
for how each format is laid out have their home here.
"""
