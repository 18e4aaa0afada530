"""Analytics: the Analytics table's items (`models`), periods (`periods`) and storage (`store`), written by
the events domain; read-side views (metrics, dashboard, proposals, reports) built on top of them."""
