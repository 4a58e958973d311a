# How numbers, days and times of day are written everywhere on the site and in mails.
# Digits are grouped by threes with this between them: 1,234.
number-group-separator = ,
# Between the whole part and the decimals: 12.5.
number-decimal-separator = .
# A day in words: 31 January 2027. $day and $month are numbers (1–31, 1–12), $year is text.
date-long = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
# A time of day, 24-hour: 23:59, 9:05. $hour is a number, $minute two digits of text.
time-of-day = { $hour }:{ $minute }
# A day and a time of day: 31 January 2027, 23:59.
date-time = { $date }, { $time }
# The same with the time zone it is in (an IANA name such as Europe/Paris): 31 January 2027, 23:59 (Europe/Paris).
date-time-zone = { $date }, { $time } ({ $zone })
# A month of a year, for a chart's months: January 2027. $month is a number (1–12), $year is text.
date-month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
