SITEGEN_SEARCH_CHUNK("w/6c-69",{"lingual":"0.3","listed":"3","literature":"3"});
