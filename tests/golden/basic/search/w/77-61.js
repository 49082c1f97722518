SITEGEN_SEARCH_CHUNK("w/77-61",{"was":"0.2","way":"2"});
