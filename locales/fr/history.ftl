# Les signatures au fil du temps (F6.4) : le graphique de la page des signatures, son tableau, le badge du nombre.
history-title = Les signatures au fil du temps
history-empty = Aucune signature confirmée pour l’instant : le graphique commencera avec la première.
history-chart-title = Signatures confirmées de « { $title } » au fil du temps
history-chart-desc = { $total ->
    [0] Aucune signature confirmée du { $first } au { $last }.
    [one] Une signature confirmée du { $first } au { $last }.
   *[other] { $total } signatures confirmées du { $first } au { $last }.
}
history-busiest-day = Le jour le plus actif a été le { $date }, avec { $count ->
    [one] une signature.
   *[other] { $count } signatures.
}
history-busiest-week = La semaine la plus active a commencé le { $date }, avec { $count ->
    [one] une signature.
   *[other] { $count } signatures.
}
history-busiest-month = Le mois le plus actif a été celui de { $date }, avec { $count ->
    [one] une signature.
   *[other] { $count } signatures.
}
history-goal = { $goal ->
    [one] L’objectif est d’une signature.
   *[other] L’objectif est de { $goal } signatures.
}
# Le haut des deux échelles, écrit au-dessus du graphique.
history-scale-day = { $count } par jour
history-scale-week = { $count } par semaine
history-scale-month = { $count } par mois
history-scale-goal = Objectif : { $count }
history-scale-total = { $count } au total
history-bar = { $date } : { $count ->
    [one] une signature
   *[other] { $count } signatures
}
history-legend-day = Confirmées ce jour-là
history-legend-week = Confirmées cette semaine-là
history-legend-month = Confirmées ce mois-là
history-legend-total = Total depuis le début
history-legend-goal = Objectif : { $goal }
history-paper = { $count ->
    [one] La signature sur papier n’est pas dans le graphique : elle n’a pas de date.
   *[other] Les { $count } signatures sur papier ne sont pas dans le graphique : elles n’ont pas de date.
}
history-table-show = Les chiffres sous forme de tableau
history-table-caption-day = Signatures confirmées par jour
history-table-caption-week = Signatures confirmées par semaine (du lundi au dimanche)
history-table-caption-month = Signatures confirmées par mois
history-col-day = Jour
history-col-week = Semaine du
history-col-month = Mois
history-col-confirmed-day = Ce jour-là
history-col-confirmed-week = Cette semaine-là
history-col-confirmed-month = Ce mois-là
history-col-total = Total
# Le badge que montrent d’autres sites : $shown est $count, ses chiffres groupés.
history-badge = { $count ->
    [one] { $shown } signature
   *[other] { $shown } signatures
}
