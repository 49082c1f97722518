SITEGEN_SEARCH_CHUNK("w/73-74",{"states":"3","strongest":"0"});
