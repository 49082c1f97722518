SITEGEN_SEARCH_CHUNK("w/6e-61",{"named":"3"});
