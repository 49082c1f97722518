SITEGEN_SEARCH_CHUNK("w/69-74",{"it":"0","its":"3"});
