SITEGEN_SEARCH_CHUNK("w/73-74",{"states":"0","strongest":"3"});
