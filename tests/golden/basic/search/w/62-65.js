SITEGEN_SEARCH_CHUNK("w/62-65",{"be":"0","been":"1","before":"3","below":"3","better":"0"});
