# Comment les nombres, les jours et les heures s’écrivent partout sur le site et dans les e-mails.
# Les chiffres sont groupés par trois, séparés par une espace fine insécable : 1 234.
number-group-separator = {"\u202F"}
# Entre la partie entière et les décimales : 12,5.
number-decimal-separator = ,
# Un jour en toutes lettres : 31 janvier 2027, 1er février 2027. $day et $month sont des nombres (1–31, 1–12), $year est du texte.
date-long = { $day ->
    [1] 1er
   *[other] { $day }
} { $month ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
} { $year }
# Une heure de la journée : 23 h 59, 9 h 05. $hour est un nombre, $minute deux chiffres (du texte).
time-of-day = { $hour }{"\u00A0"}h{"\u00A0"}{ $minute }
# Un jour et une heure : 31 janvier 2027 à 23 h 59.
date-time = { $date } à { $time }
# La même chose avec son fuseau horaire (un nom IANA comme Europe/Paris) : 31 janvier 2027 à 23 h 59 (Europe/Paris).
date-time-zone = { $date } à { $time } ({ $zone })
# Un mois d’une année, pour les mois d’un graphique : janvier 2027. $month est un nombre (1–12), $year est du texte.
date-month = { $month ->
    [1] janvier
    [2] février
    [3] mars
    [4] avril
    [5] mai
    [6] juin
    [7] juillet
    [8] août
    [9] septembre
    [10] octobre
    [11] novembre
   *[12] décembre
} { $year }
