"""The records and their rules: what a medborgarlöfte, a place, an activity and a plan are.

The kinds of activity and the classification each gets (`kinds`), the medborgarlöfte as a
record with its commitments and targets (`promise`), the places, activities, plans and findings
(`models`), the promise file and its checks (`promise_file`),
the periods a promise is followed up by (promise year, tertial: `periods`), what each kind of
activity records and which outcome counts (`outcomes`), which activity counts toward which
commitment (`progress`) and whether it is on course (`pace`), recurring times and holidays,
how a place is made valid (`places`), the kommun's indicators and a published police event
(`events`). Kind-level rules ("this kind needs a place", "its default classification") are
properties of `kinds.CommitmentKind`. Two enum bases serve the records: a code with its Swedish
label beside it (`labelled_enum`) and codes ranked in the order they are declared (`ranked_enum`).
"""
