SITEGEN_SEARCH_CHUNK("w/69-74",{"it":"3","its":"0"});
