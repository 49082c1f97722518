SITEGEN_SEARCH_CHUNK("w/6c-65",{"less":"0","level":"0","lexicons":"1"});
