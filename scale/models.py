"""scale/ keeps no models of its own: the monthly contact rollup moved to families/rollups.py
(its tables keep their names), the reminders' record to reminders/."""
