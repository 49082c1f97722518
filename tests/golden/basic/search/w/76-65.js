SITEGEN_SEARCH_CHUNK("w/76-65",{"vectors":"0","verified":"3"});
