SITEGEN_SEARCH_CHUNK("w/72-75",{"rubric":"3","running":"0"});
