SITEGEN_SEARCH_CHUNK("w/66-65",{"fertility":"0","few":"3"});
