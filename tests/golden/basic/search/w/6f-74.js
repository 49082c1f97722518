SITEGEN_SEARCH_CHUNK("w/6f-74",{"other":"3"});
