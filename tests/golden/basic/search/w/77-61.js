SITEGEN_SEARCH_CHUNK("w/77-61",{"was":"1.2","way":"1"});
