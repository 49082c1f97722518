SITEGEN_SEARCH_CHUNK("w/73-65",{"sealed":"2.1","sealedsandbox":"2.1","search":"3","see":"3","sensitive":"3","set":"3"});
