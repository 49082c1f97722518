SITEGEN_SEARCH_CHUNK("w/61-63",{"accuracy":"0","across":"0.1"});
