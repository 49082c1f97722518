SITEGEN_SEARCH_CHUNK("w/61-63",{"accuracy":"3","across":"2.1"});
