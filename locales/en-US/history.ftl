# The signatures over time (F6.4): the chart on the signatures page, its table, the count badge.
history-title = Signatures over time
history-empty = No confirmed signature yet: the chart begins with the first one.
history-chart-title = Confirmed signatures of “{ $title }” over time
history-chart-desc = { $total ->
    [0] No confirmed signature from { $first } to { $last }.
    [one] One confirmed signature from { $first } to { $last }.
   *[other] { $total } confirmed signatures from { $first } to { $last }.
}
history-busiest-day = The busiest day was { $date }, with { $count ->
    [one] one signature.
   *[other] { $count } signatures.
}
history-busiest-week = The busiest week began on { $date }, with { $count ->
    [one] one signature.
   *[other] { $count } signatures.
}
history-busiest-month = The busiest month was { $date }, with { $count ->
    [one] one signature.
   *[other] { $count } signatures.
}
history-goal = { $goal ->
    [one] The goal is one signature.
   *[other] The goal is { $goal } signatures.
}
# The tops of the two scales, written above the chart.
history-scale-day = { $count } per day
history-scale-week = { $count } per week
history-scale-month = { $count } per month
history-scale-goal = Goal: { $count }
history-scale-total = { $count } in all
history-bar = { $date }: { $count ->
    [one] one signature
   *[other] { $count } signatures
}
history-legend-day = Confirmed that day
history-legend-week = Confirmed that week
history-legend-month = Confirmed that month
history-legend-total = Total since the start
history-legend-goal = Goal: { $goal }
history-paper = { $count ->
    [one] The signature on paper is not in the chart: it has no date.
   *[other] The { $count } signatures on paper are not in the chart: they have no date.
}
history-table-show = The figures as a table
history-table-caption-day = Confirmed signatures per day
history-table-caption-week = Confirmed signatures per week (weeks begin on Monday)
history-table-caption-month = Confirmed signatures per month
history-col-day = Day
history-col-week = Week beginning
history-col-month = Month
history-col-confirmed-day = That day
history-col-confirmed-week = That week
history-col-confirmed-month = That month
history-col-total = Total
# The badge other sites show: $shown is $count with its digits grouped.
history-badge = { $count ->
    [one] { $shown } signature
   *[other] { $shown } signatures
}
