SITEGEN_SEARCH_CHUNK("w/6c-65",{"less":"3","level":"3","lexicons":"2"});
