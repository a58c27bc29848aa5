"""Reading files people bring: places, activities, base layers, siting data, photos.

The Swedish-Excel CSV reader every import shares (`tabular`), the size, depth and date limits
(`limits`), files kept private on disk (`private_files`), photo cleaning (`photos`), and the
imports of places, activities, base layers and siting inputs. The rules for what an uploaded
or imported file may be, and how a bad one is refused, have their home here.
"""
