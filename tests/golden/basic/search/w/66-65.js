SITEGEN_SEARCH_CHUNK("w/66-65",{"fertility":"3","few":"0"});
