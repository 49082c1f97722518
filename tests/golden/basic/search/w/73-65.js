SITEGEN_SEARCH_CHUNK("w/73-65",{"sealed":"0.1","sealedsandbox":"0.1","search":"0","see":"0","sensitive":"0","set":"0"});
