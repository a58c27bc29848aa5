"""Planning: what is to be done, where and when, as use cases the pages and the CLI call.

Planning and logging on one unit of work (`use_cases`), schedules from recurring rules with
their conflicts (`schedule`), randomised presence (`random_plan`), and traffic-control site
suggestions: candidates and demand (`siting_inputs`), the covering model (`siting`) and the
weekly rotation (`rotation`). The rules for what a plan may hold and how sites are chosen have
their home here.
"""
