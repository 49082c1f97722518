SITEGEN_SEARCH_CHUNK("w/72-75",{"rubric":"0","running":"3"});
