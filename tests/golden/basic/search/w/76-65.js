SITEGEN_SEARCH_CHUNK("w/76-65",{"vectors":"3","verified":"0"});
